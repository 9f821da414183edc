#!/usr/bin/env bash
# 20 rounds of random valid edits to tests of every type (13 types) through te.tests.update,
# against a fresh `terun sim`: each round plans (--plan-out), applies, and reads back.
#
#   scripts/plans/random_edits.sh [path/to/terun] [rounds]
set -euo pipefail
here=$(cd "$(dirname "$0")/../../runbooks/tests/dryrun" && pwd)
terun=${1:-.build/debug/terun}
terun=$(cd "$(dirname "$terun")" && pwd)/$(basename "$terun")
rounds=${2:-20}
. "$(dirname "$0")/sim.sh"
"$terun" run "$here/setup_types.lua" >setup.txt
echo "test types: $(wc -l <setup.txt)"
planned=0 applied=0 matched=0
for seed in $(seq "$rounds"); do
  if "$terun" run "$here/edit_tests.lua" seed="$seed" --plan-out plan.json >plan.txt 2>plan.err; then
    planned=$((planned + 1))
  else
    echo "round $seed: plan failed"; cat plan.err; continue
  fi
  if "$terun" apply plan.json >apply.txt 2>apply.err; then
    applied=$((applied + 1))
  else
    echo "round $seed: apply failed"; cat apply.err; continue
  fi
  if "$terun" run "$here/check_tests.lua" expected=expected.json >check.txt 2>check.err; then
    matched=$((matched + 1))
  else
    echo "round $seed: read-back differs"; cat check.txt check.err
  fi
  printf 'round %2d: %s; %s; %s\n' "$seed" "$(grep '^Plan:' plan.txt)" "$(grep '^Apply complete' apply.txt)" \
    "$(grep '^checked' check.txt)"
done
echo "rounds: $rounds, planned cleanly: $planned, applied: $applied, read back matching: $matched"
[ "$planned" -eq "$rounds" ] && [ "$applied" -eq "$rounds" ] && [ "$matched" -eq "$rounds" ]
