#!/bin/bash
# Packed oneDNN linears at the exact row count (the old behaviour) against row buckets, alternating.
cd "$(dirname "$0")/../../.."
OUT=t4j-benchmarks/results/2026-12-07-zen5-gemm-rows
for round in 1 2; do
  for mode in exact buckets; do
    T4J_GEMM_ROWS=$mode ./t4j bench --sections infer --no-peak --infer-reps 1 --latency-sentences 100 --classifier runs/demo \
        --json $OUT/infer-$mode-$round.json > $OUT/infer-$mode-$round.txt 2>&1
  done
done
