# A fresh t4j serve, then the first N SST-2 dev sentences one request at a time (POST /predict, TEI's route):
# time to ready and per-request latency, as a client sees them.
import json, subprocess, sys, time, urllib.request, re, statistics, os
model, n, log = sys.argv[1], int(sys.argv[2]), sys.argv[3]
env = dict(os.environ)
t0 = time.time()
p = subprocess.Popen(["./t4j", "serve", "--model", model, "--port", "0"] + sys.argv[4:], stdout=open(log, "w"), stderr=subprocess.STDOUT, env=env)
url = None
while url is None:
    time.sleep(0.05)
    m = re.search(r"on (http://127\.0\.0\.1:\d+)", open(log).read())
    if m: url = m.group(1)
    if p.poll() is not None: sys.exit("server exited: " + open(log).read()[-2000:])
ready = time.time() - t0
lines = open("/work/shared/data/sst2/dev.tsv").read().splitlines()[1:n + 1]
ms = []
for l in lines:
    text = l.split("\t", 1)[1] if "\t" in l else l
    req = urllib.request.Request(url + "/predict", json.dumps({"inputs": text}).encode(), {"Content-Type": "application/json"})
    t = time.perf_counter(); urllib.request.urlopen(req).read(); ms.append(1e3 * (time.perf_counter() - t))
p.terminate(); p.wait()
print(json.dumps({"ready_s": round(ready, 2), "requests": n, "median_ms": round(statistics.median(ms), 2),
                  "mean_ms": round(statistics.mean(ms), 2), "first_50_median_ms": round(statistics.median(ms[:50]), 2),
                  "p90_ms": round(sorted(ms)[int(0.9 * n)], 2)}))
