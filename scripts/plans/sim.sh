# Sourced by the scripts beside it: starts a standalone `terun sim` ($terun) on a free-ish
# loopback port with the rate limit off, waits until it listens, points TE_BASE_URL, TE_TOKEN
# and TERUN_STATE_DIR at it and a fresh folder ($work), stops it and removes $work on exit,
# and changes into $work.
work=$(mktemp -d)
port=$((20000 + RANDOM % 20000))
: >"$work/sim.log"
"$terun" sim --port "$port" --token tok-plans --rate-limit off >"$work/sim.log" 2>&1 &
sim=$!
trap 'kill $sim 2>/dev/null; wait $sim 2>/dev/null; rm -rf "$work"' EXIT
for _ in $(seq 50); do grep -q listening "$work/sim.log" && break; sleep 0.1; done
export TE_BASE_URL=http://127.0.0.1:$port TE_TOKEN=tok-plans TERUN_STATE_DIR=$work/state NO_COLOR=1
cd "$work"
