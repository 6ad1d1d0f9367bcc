#!/bin/bash
# int8 dynamic quantization on libtorch's default quantized engine (X86: fbgemm) against oneDNN's, alternating.
cd "$(dirname "$0")/../../.."
OUT=t4j-benchmarks/results/2026-12-07-zen5-qengine
for round in 1 2; do
  for engine in x86 onednn; do
    T4J_QENGINE=$engine ./t4j bench --sections infer --no-peak --infer-reps 2 --latency-sentences 100 \
        --infer-runtimes t4j-bf16,t4j-int8 --json $OUT/infer-$engine-$round.json > $OUT/infer-$engine-$round.txt 2>&1
  done
done
