# Shared by the bench scripts (sourced, not run), all writing to $OUT.
#
# `time_of CMD...` runs a command once and prints "seconds kilobytes": the
# wall time to the millisecond (bash's `time`; GNU time's %e has
# centiseconds, too coarse at 0.1 s) and the peak RSS from GNU time around
# the same run. `median N...` prints the median of its arguments.
# `measure CMD...` runs a command RUNS times and prints the median wall
# time and the median peak RSS.
time_of() {
  local TIMEFORMAT=%3R secs
  secs=$( { time { /usr/bin/time -o "$OUT/rss" -f %M "$@" >/dev/null 2>&1 || true; }; } 2>&1 )
  echo "$secs $(tail -1 "$OUT/rss")"
}

median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

measure() {
  local runs=() rss=() t m
  for _ in $(seq "$RUNS"); do
    read -r t m < <(time_of "$@")
    runs+=("$t"); rss+=("$m")
  done
  echo "$(median "${runs[@]}") $(median "${rss[@]}")"
}
