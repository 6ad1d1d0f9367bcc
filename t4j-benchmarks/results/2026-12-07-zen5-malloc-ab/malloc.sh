#!/bin/bash
# alternate allocators: none, jemalloc, tcmalloc
cd /work/main
JE=/usr/lib/x86_64-linux-gnu/libjemalloc.so.2
TC=/usr/lib/x86_64-linux-gnu/libtcmalloc_minimal.so.4
run() { name=$1; shift
  env "$@" ./t4j bench --sections train --train-configs bf16-grouped,fp32-grouped,bf16-random --no-peak --rounds 1 --steps 20 --warmup-steps 4 \
     --sst2 /work/shared/data/sst2 --json /tmp/ab/$name.json > /tmp/ab/$name.log 2>&1
  grep "^| \(bf16\|fp32\)" /tmp/ab/$name.log | awk -F'|' -v n=$name '{print n, $2, $3}'
}
for r in 1 2; do
  run none-$r X=1
  run je-$r LD_PRELOAD=$JE
  run tc-$r LD_PRELOAD=$TC
done
