import json, sys
for f in sys.argv[1:]:
    d=json.load(open(f+".json"))["sections"]["infer"]
    out=[]
    for m in d["models"]:
        t={x["runtime"]:x for x in m["timings"]}
        out.append(" ".join("%.2f (%.2fx, %d%%)"%(t[r]["latency_ms"],t[r]["latency_vs_ort"],round(100*t[r]["one_thread_share"])) for r in t if r!="ORT fp32") + " ORT %.2f"%t["ORT fp32"]["latency_ms"] + " b32 " + " ".join("%.2fx"%t[r]["vs_ort"] for r in t if r!="ORT fp32"))
    print(f, "|", " | ".join(out))
