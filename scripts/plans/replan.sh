#!/usr/bin/env bash
# For every shipped runbook that writes: plan (--plan-out), apply, then plan again, against a
# fresh `terun sim`. Prints each step's "Plan:" / "Apply complete:" line; the second plan of
# each runbook must be "Plan: 0 to create, 0 to update, 0 to delete."
#
#   scripts/plans/replan.sh [path/to/terun]
set -euo pipefail
terun=${1:-.build/debug/terun}
terun=$(cd "$(dirname "$terun")" && pwd)/$(basename "$terun")
. "$(dirname "$0")/sim.sh"
printf 'name,email,account_group,roles\nAna Lima,ana.replan@example.com,Main Account Group,Regular User\nBo Chen,bo.replan@example.com,Network Operations,Account Admin;Regular User\n' >users.csv

runbooks=(
  "toggle_interval test_id=123456 interval=300"
  "bulk_create_users csv=users.csv"
  "assign_users emails=tim.liskov.1003@example.com account_group=Network\ Operations roles=Regular\ User"
  "create_role name=Replan\ Viewer permissions=View\ tests,View\ alerts users=ada.hopper.1002@example.com"
  "maintenance_window pattern=example start=2026-12-02T01:00:00Z duration=2h"
)
failures=0
for line in "${runbooks[@]}"; do
  eval "args=($line)"
  name=${args[0]}
  "$terun" run "${args[@]}" --plan-out "$name.json" >"$name.plan1" 2>"$name.err1"
  "$terun" apply "$name.json" >"$name.apply" 2>"$name.err2"
  "$terun" run "${args[@]}" --dry-run >"$name.plan2" 2>"$name.err3"
  first=$(grep '^Plan:' "$name.plan1")
  applied=$(grep '^Apply complete' "$name.apply")
  second=$(grep '^Plan:' "$name.plan2")
  printf '%-18s first: %s | %s | second: %s\n' "$name" "$first" "$applied" "$second"
  [ "$second" = "Plan: 0 to create, 0 to update, 0 to delete." ] || failures=$((failures + 1))
done
echo "runbooks whose second plan is not empty: $failures"
[ "$failures" -eq 0 ]
