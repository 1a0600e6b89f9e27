SELECT 
  jsonb_object_keys(requests_by_model) as model,
  SUM((requests_by_model->>jsonb_object_keys(requests_by_model))::int) as requests,
  SUM(total_cost_usd) as cost
FROM usage_aggregations_daily
WHERE project_id = 'xxx'
  AND date >= CURRENT_DATE - 30
GROUP BY model
ORDER BY cost DESC
LIMIT 10;
