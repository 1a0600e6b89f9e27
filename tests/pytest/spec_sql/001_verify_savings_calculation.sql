-- Compare raw logs vs aggregations
SELECT 
  'raw_logs' as source,
  SUM(potential_cost_usd - cost_usd) as total_savings
FROM usage_logs
WHERE project_id = 'xxx'
  AND DATE(created_at) = '2025-12-20'

UNION ALL

SELECT 
  'aggregation' as source,
  total_savings_usd
FROM usage_aggregations_daily
WHERE project_id = 'xxx'
  AND date = '2025-12-20';
