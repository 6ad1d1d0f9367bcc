#!/bin/bash
cd /work/main
TC=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
run() { name=$1; shift
  env "$@" ./t4j bench --sections infer --no-peak --infer-reps 2 --latency-sentences 50 \
     --sst2 /work/shared/data/sst2 --json /tmp/ab/$name.json > /tmp/ab/$name.log 2>&1
  echo "== $name"; grep -A12 "^### infer" /tmp/ab/$name.log | grep "^|" | cut -c1-220
}
for r in 1 2; do
  run inone-$r X=1
  run itc-$r LD_PRELOAD=$TC
done
