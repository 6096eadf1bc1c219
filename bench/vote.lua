-- wrk script for the vote benchmark: each request is one fan's vote (PUT) for one solution, both
-- picked at random from the pairs run_bench.py wrote to bench-votes.txt ("token solution_id" lines).
local pairs_ = {}

function init(args)
  for line in io.lines(args[1]) do
    local token, solution = line:match("^(%S+) (%d+)$")
    table.insert(pairs_, { token = token, solution = solution })
  end
  math.randomseed(os.time() + tonumber(tostring({}):match("0x(%x+)") or "0", 16) % 100000)
end

function request()
  local pick = pairs_[math.random(#pairs_)]
  return wrk.format("PUT", "/api/v1/solutions/" .. pick.solution .. "/vote",
    { ["Authorization"] = "Bearer " .. pick.token })
end
