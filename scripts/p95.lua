-- wrk script for scripts/loadrun.sh: at the end of a run, print one line
-- "p95_us <p95 latency in microseconds> rps <requests per second> bad <non-2xx or errors>".
done = function(summary, latency, requests)
  local secs = summary.duration / 1e6
  local e = summary.errors
  local bad = e.status + e.connect + e.read + e.write + e.timeout
  io.write(string.format("p95_us %d rps %.1f bad %d\n", latency:percentile(95), summary.requests / secs, bad))
end
