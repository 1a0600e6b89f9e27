SELECT 
  date,
  cache_hit_rate,
  total_requests,
  total_savings_usd
FROM usage_aggregations_daily
WHERE project_id = 'xxx'
  AND date >= CURRENT_DATE - 30
ORDER BY date ASC;
