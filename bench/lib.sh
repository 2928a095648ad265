# Shared by the bench scripts (sourced, not run): `measure CMD...` runs a
# command RUNS times under /usr/bin/time -v, writing its report to
# $OUT/time.txt, and prints "seconds kilobytes": the median wall time and
# the median peak RSS of the runs.
measure() {
  local runs=() rss=()
  for _ in $(seq "$RUNS"); do
    /usr/bin/time -v "$@" >/dev/null 2>"$OUT/time.txt" || true
    runs+=("$(awk -F': ' '/Elapsed \(wall clock\)/ {n=split($2,a,":"); s=0; for(i=1;i<=n;i++) s=s*60+a[i]; print s}' "$OUT/time.txt")")
    rss+=("$(awk -F': ' '/Maximum resident set size/ {print $2}' "$OUT/time.txt")")
  done
  local t m
  t=$(printf '%s\n' "${runs[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  m=$(printf '%s\n' "${rss[@]}" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}')
  echo "$t $m"
}
