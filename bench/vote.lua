-- wrk script for the vote benchmark: each request is one fan's vote (PUT) for one solution, taken
-- in turn from the pairs run_bench.py wrote to bench-votes.txt ("token solution_id" lines, in
-- random order). Arguments: the file, this run's number, the number of runs and wrk's threads.
-- Every run and every wrk thread takes its own share of the lines, so each request is a new vote
-- until a share runs out (then it starts its share again, and votes repeat).
local next_thread = 0
local share = {}
local at = 0

function setup(thread)
  thread:set("id", next_thread)
  next_thread = next_thread + 1
end

function init(args)
  local run, runs, threads = tonumber(args[2] or "0"), tonumber(args[3] or "1"), tonumber(args[4] or "1")
  local slot, slots = run * threads + id, runs * threads
  local n = 0
  for line in io.lines(args[1]) do
    if n % slots == slot then
      local token, solution = line:match("^(%S+) (%d+)$")
      table.insert(share, { token = token, solution = solution })
    end
    n = n + 1
  end
end

function request()
  at = at % #share + 1
  local pick = share[at]
  return wrk.format("PUT", "/api/v1/solutions/" .. pick.solution .. "/vote",
    { ["Authorization"] = "Bearer " .. pick.token })
end
