#!/usr/bin/env bash
# The goals of issue 24 for one scripts/bench.sh run: every figure of the chain as a ratio to the bare endpoint
# and to the floor (bench/FloorChain), measured in the same rounds, beside its goal.
#   bash bench/floor-goals.sh <results folder>
# Reads rounds.tsv (round, target bare|floor|chain, figure get|post|one, req/s, p99 ms), wrk-setup.tsv (the
# chain's first 20 s: chain-cold), first-page-ms.txt and floor-first-page-ms.txt, rss-setup.tsv and
# rss-floor.tsv (label, kB). A ratio is taken within each round (bare, floor and chain drift together with the
# machine) and shown as the median of the rounds with their range; a goal is judged on that median.
# BENCH_ONE_CONNECTION_BEFORE: the chain's one-connection req/s as a ratio to the floor's before reads were
# shared (the goal "no slower than today"); without it that figure is shown without a verdict.
# Writes floor-goals.tsv (figure, measured, to bare, to floor, goal, result), prints the table, and exits 1
# when a goal is missed.
set -euo pipefail
RESULTS=${1:?usage: floor-goals.sh <results folder>}
[ -s "$RESULTS/rounds.tsv" ] || { echo "floor-goals.sh: no $RESULTS/rounds.tsv" >&2; exit 2; }

cold=$(awk -F'\t' '$1 == "chain-cold" { print $2 }' "$RESULTS/wrk-setup.tsv" 2>/dev/null || true)
first=$(cat "$RESULTS/first-page-ms.txt" 2>/dev/null || true)
floor_first=$(cat "$RESULTS/floor-first-page-ms.txt" 2>/dev/null || true)
floor_rss=$(awk -F'\t' '{ kb = $2 / 1024; lo = (NR == 1 || kb < lo) ? kb : lo; hi = (kb > hi) ? kb : hi }
  END { if (NR) printf "%.1f–%.1f MB", lo, hi }' "$RESULTS/rss-floor.tsv" 2>/dev/null || true)

awk -F'\t' -v OFS='\t' -v cold="$cold" -v first="$first" -v floor_first="$floor_first" -v floor_rss="$floor_rss" \
  -v before="${BENCH_ONE_CONNECTION_BEFORE:-}" '
  FILENAME ~ /rounds.tsv$/ { rps[$1, $2, $3] = $4; p99[$1, $2, $3] = $5; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 }; next }
  FILENAME ~ /rss-setup.tsv$/ { rss[++services] = $1; kb[services] = $2; next }
  function median(v, k,   i, j, t) { # sorts v[1..k] in place
    for (i = 2; i <= k; i++) for (j = i; j > 1 && v[j - 1] > v[j]; j--) { t = v[j]; v[j] = v[j - 1]; v[j - 1] = t }
    return (k % 2) ? v[(k + 1) / 2] : (v[k / 2] + v[k / 2 + 1]) / 2
  }
  # The median over the rounds of a / b (a figure of one target over one of another), with the range.
  function ratio(ta, fa, tb, fb, field,   r, k, v, a, b, m) {
    k = 0
    for (r = 1; r <= n; r++) {
      a = (field == "p99") ? p99[order[r], ta, fa] : rps[order[r], ta, fa]
      b = (field == "p99") ? p99[order[r], tb, fb] : rps[order[r], tb, fb]
      if (a != "" && b > 0) v[++k] = a / b
    }
    if (!k) { shown = "not measured"; return "" }
    m = median(v, k)
    shown = (k > 1) ? sprintf("%.3f (%.3f–%.3f)", m, v[1], v[k]) : sprintf("%.3f", m)
    return m
  }
  function figure(t, f, field,   r, k, v, x) {
    k = 0
    for (r = 1; r <= n; r++) { x = (field == "p99") ? p99[order[r], t, f] : rps[order[r], t, f]; if (x != "") v[++k] = x }
    return k ? median(v, k) : ""
  }
  function row(name, measured, to_bare, to_floor, goal, met) {
    print name, measured, to_bare, to_floor, goal, (met == "") ? "" : (met ? "met" : "missed")
  }
  END {
    get = figure("chain", "get"); post = figure("chain", "post")
    g_bare = ratio("chain", "get", "bare", "get"); sg_bare = shown
    g_floor = ratio("chain", "get", "floor", "get"); sg_floor = shown
    row("GET / chain, warm (req/s, median of " n " rounds)", sprintf("%.0f", get), sg_bare, sg_floor, "≥ 0.8 of floor", g_floor == "" ? "" : g_floor >= 0.8)
    if (cold != "") {
      fg = figure("floor", "get"); bg = figure("bare", "get")
      row("GET / chain, the first 20 s after start (against the warm medians)", sprintf("%.0f", cold),
        sprintf("%.3f", cold / bg), sprintf("%.3f", cold / fg), "≥ 0.8 of floor", cold / fg >= 0.8)
    }
    p_bare = ratio("chain", "post", "bare", "post"); s_bare = shown
    p_floor = ratio("chain", "post", "floor", "post"); s_floor = shown
    row("vote POST chain, warm (req/s)", sprintf("%.0f", post), s_bare, s_floor, "≥ 0.8 of floor", p_floor == "" ? "" : p_floor >= 0.8)
    q_floor = ratio("chain", "get", "floor", "get", "p99"); s_floor = shown
    row("p99 of GET / chain at 16 connections (ms)", sprintf("%.2f", figure("chain", "get", "p99")), "", s_floor, "≤ 1.5× floor", q_floor == "" ? "" : q_floor <= 1.5)
    if (first != "")
      row("first page with results after the three processes start", first " ms" (floor_first != "" ? " (floor: " floor_first " ms)" : ""), "", "", "≤ 150 ms", first <= 150)
    for (i = 1; i <= services; i++)
      row("resident memory of " rss[i] " after the load", sprintf("%.1f MB", kb[i] / 1024) (floor_rss != "" ? " (floor: " floor_rss ")" : ""), "", "", "≤ 45 MB", kb[i] / 1024 <= 45)
    row("crowd: GET / chain, warm (shared reads)", sprintf("%.0f", get), sg_bare, sg_floor, "≥ 2× floor and ≥ 0.35 of bare",
      (g_floor == "" || g_bare == "") ? "" : (g_floor >= 2 && g_bare >= 0.35))
    o_floor = ratio("chain", "one", "floor", "one"); s_floor = shown
    one = figure("chain", "one")
    row("one connection, sequential (the curl loop): GET / chain (req/s)", one == "" ? "not measured" : sprintf("%.0f", one), "", s_floor,
      before != "" ? "≥ " before " of floor (before shared reads)" : "no slower than before shared reads (baseline not yet measured)",
      (before == "" || o_floor == "") ? "" : o_floor >= before)
    f_get = ratio("floor", "get", "bare", "get"); s_get = shown
    f_post = ratio("floor", "post", "bare", "post"); s_post = shown
    row("the floor: GET / (req/s)", sprintf("%.0f", figure("floor", "get")), s_get, "1", "", "")
    row("the floor: vote POST (req/s)", sprintf("%.0f", figure("floor", "post")), s_post, "1", "", "")
    row("the floor: p99 of GET / (ms)", sprintf("%.2f", figure("floor", "get", "p99")), "", "", "", "")
  }' "$RESULTS/rounds.tsv" "$RESULTS/rss-setup.tsv" >"$RESULTS/floor-goals.tsv"

{
  printf 'figure\tmeasured\tto bare\tto floor\tgoal\tresult\n'
  cat "$RESULTS/floor-goals.tsv"
} | column -t -s $'\t'
! grep -q $'\tmissed$' "$RESULTS/floor-goals.tsv"
