#!/usr/bin/env bash
# Measures the individual plan at a large size (issue 13): 50 goals and 200 measures in Adam's plan on the
# demo, built through the API as a caseworker would, then the plan page, the plan's API read and its PDF timed.
#
#   ip-plan-size.sh PATH/TO/los [GOALS] [MEASURES] [ROUNDS]
#
# Starts `los serve --demo` on a fresh SQLite database in a temporary directory on a free loopback port.
# Prints the time to build the plan and the median and slowest of ROUNDS reads of the page and the API
# (curl's time_total, one connection at a time). A measurement, not a test: no figure is asserted; the
# figures go in docs/PERFORMANCE.md.
set -euo pipefail

LOS_BIN="$(cd "$(dirname "$1")" && pwd)/$(basename "$1")"
GOALS="${2:-50}"
MEASURES="${3:-200}"
ROUNDS="${4:-20}"
WORK="$(mktemp -d)"
trap 'kill "$SERVER_PID" 2>/dev/null || true; rm -rf "$WORK"' EXIT
los() { env -u LOS_CONFIG -u LOS_LISTEN -u LOS_DEMO "$LOS_BIN" --database "sqlite://$WORK/los.sqlite" "$@"; }

los serve --demo --listen 127.0.0.1:0 >"$WORK/server.log" 2>&1 &
SERVER_PID=$!
BASE=""
for _ in $(seq 1 600); do
  addr=$(grep -o 'serving on http://127\.0\.0\.1:[0-9]*' "$WORK/server.log" | head -n1 | sed 's#.*http://##' || true)
  if [ -n "$addr" ]; then BASE="http://$addr"; break; fi
  sleep 0.1
done
[ -n "$BASE" ] || { echo "the server did not start" >&2; cat "$WORK/server.log" >&2; exit 1; }
sleep 1

BV=$(los token create --user barnevern --days 1 2>/dev/null | tail -n1)
ADAM=$(los token create --user adam --days 1 2>/dev/null | tail -n1)
PLAN="$BASE/api/v1/cases/sak-adam/individual-plan"
post() { curl -fsS -o /dev/null -H "Authorization: Bearer $1" -H 'Content-Type: application/json' -d "$3" "$PLAN$2"; }

start=$(date +%s.%N)
post "$BV" "" '{"bases": ["bvl_15_9", "hol_7_1"], "description": "Måling av en stor plan"}'
post "$ADAM" "/consents" '{"access_services": ["mellomvik-barnevern", "mellomvik-helsestasjon"]}'
for g in $(seq 1 "$GOALS"); do
  post "$BV" "/goals" "{\"voice\": \"child\", \"text\": \"Mål $g: noe Adam vil få til\", \"reason\": \"Ansvarsgruppemøte\"}"
done
GOAL_IDS=$(curl -fsS -H "Authorization: Bearer $BV" "$PLAN" | python3 -c 'import json,sys; print(" ".join(g["id"] for g in json.load(sys.stdin)["detail"]["content"]["goals"]))')
read -r -a IDS <<<"$GOAL_IDS"
for m in $(seq 1 "$MEASURES"); do
  goal="${IDS[$(( (m - 1) % ${#IDS[@]} ))]}"
  service=$([ $((m % 2)) = 0 ] && echo mellomvik-barnevern || echo mellomvik-helsestasjon)
  post "$BV" "/measures" "{\"goal\": \"$goal\", \"title\": \"Tiltak $m\", \"responsible_service\": \"$service\", \"scope\": \"Hver uke\", \"how\": \"På skolen\", \"starts_on\": \"2026-01-05\", \"ends_on\": \"2027-06-30\", \"reason\": \"Avtalt\"}"
done
built=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.1f}')" "$start" "$(date +%s.%N)")

# The page, as the caseworker's browser asks for it (a session cookie from the demo log-in).
curl -fsS -o /dev/null -c "$WORK/cookies" -d user=barnevern "$BASE/logg-inn"
measure() {
  for _ in $(seq 1 "$ROUNDS"); do curl -fsS -o "$WORK/body" -w '%{time_total}\n' "$@"; done | sort -n |
    python3 -c 'import sys; t=[float(x) for x in sys.stdin]; print(f"median {t[len(t)//2]*1000:.0f} ms, slowest {t[-1]*1000:.0f} ms")'
}
page=$(measure -b "$WORK/cookies" "$BASE/saker/sak-adam/individuell-plan")
bytes=$(wc -c <"$WORK/body")
api=$(measure -H "Authorization: Bearer $BV" "$PLAN")
pdf=$(measure -H "Authorization: Bearer $BV" "$PLAN/pdf")
pdf_bytes=$(wc -c <"$WORK/body")
echo "plan with $GOALS goals and $MEASURES measures ($((GOALS + MEASURES)) versions) built through the API in ${built} s"
echo "plan page:  $page ($bytes bytes), $ROUNDS reads"
echo "plan API:   $api, $ROUNDS reads"
echo "plan PDF:   $pdf ($pdf_bytes bytes), $ROUNDS renders"
