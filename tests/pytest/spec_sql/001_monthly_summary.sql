SELECT 
  SUM(total_requests) as total_requests,
  SUM(cached_requests) as cached_requests,
  ROUND(AVG(cache_hit_rate), 2) as avg_cache_hit_rate,
  SUM(total_cost_usd) as total_cost,
  SUM(total_savings_usd) as total_savings,
  ROUND(SUM(total_savings_usd) / NULLIF(SUM(total_potential_cost_usd), 0) * 100, 2) as savings_percentage
FROM usage_aggregations_daily
WHERE project_id = 'xxx'
  AND date >= DATE_TRUNC('month', CURRENT_DATE);
