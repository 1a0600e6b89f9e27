-- See latest aggregations
SELECT 
  project_id,
  MAX(hour_start) as latest_hour,
  COUNT(*) as total_hours
FROM usage_aggregations_hourly
GROUP BY project_id;

-- Check for gaps
SELECT 
  project_id,
  hour_start,
  LAG(hour_start) OVER (PARTITION BY project_id ORDER BY hour_start) as prev_hour
FROM usage_aggregations_hourly
WHERE hour_start - LAG(hour_start) OVER (PARTITION BY project_id ORDER BY hour_start) > INTERVAL '1 hour';
