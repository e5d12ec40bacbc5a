#!/usr/bin/env python3
"""Writes small random clusters as packetwalk scenarios, for `packetwalk verify` in CI.

Usage: random_scenarios.py OUTDIR [FIRST [LAST]]    (seeds FIRST..LAST, default 1..50)

Each seed gives the same file on every machine (random.Random(seed), nothing else): 2-3 nodes,
Flannel (VXLAN, a bridge) or Calico (routed veths, VXLAN between nodes), kube-proxy in iptables or
nftables mode, 1-3 Services (ClusterIP or NodePort, TCP or UDP, 1-4 endpoints, random ports and
targetPorts, sometimes sessionAffinity ClientIP or externalTrafficPolicy Local), a few client pods
with random labels, and 3-6 probes: pod to pod, pod to Service, node to Service, and an external
host to a NodePort. A targetPort no pod listens on and a Service port that does not exist are
drawn on purpose now and then: the refusal and the drop must agree with the kernel too.
The probes carry no expectations: verify compares the model with the kernel, whatever it says.
"""
import os
import random
import sys

LABELS = ["web", "api", "db", "cache", "edge"]
PORTS = [80, 443, 5000, 8080, 8443, 9000, 9090]


def pod_doc(name, labels, node, ports):
    lines = ["apiVersion: v1", "kind: Pod", "metadata:", f"  name: {name}"]
    if labels:
        lines.append("  labels: {" + ", ".join(f"{k}: {v}" for k, v in sorted(labels.items())) + "}")
    lines.append("spec:")
    if node:
        lines.append(f"  nodeName: {node}")
    if ports:
        plist = ", ".join(f"{{containerPort: {p}, protocol: {proto}}}" for p, proto in ports)
        lines.append(f"  containers: [{{name: c, image: echo, ports: [{plist}]}}]")
    else:
        lines.append("  containers: [{name: c, image: curl}]")
    return "\n".join(lines)


def service_doc(svc):
    lines = ["apiVersion: v1", "kind: Service", "metadata:", f"  name: {svc['name']}", "spec:"]
    lines.append(f"  type: {svc['type']}")
    lines.append(f"  selector: {{app: {svc['app']}}}")
    if svc["affinity"]:
        lines.append("  sessionAffinity: ClientIP")
    if svc["local"]:
        lines.append("  externalTrafficPolicy: Local")
    plist = []
    for p in svc["ports"]:
        entry = f"{{name: p{p['port']}, port: {p['port']}, targetPort: {p['target']}, protocol: {p['proto']}"
        if p.get("nodePort"):
            entry += f", nodePort: {p['nodePort']}"
        plist.append(entry + "}")
    lines.append("  ports: [" + ", ".join(plist) + "]")
    return "\n".join(lines)


def scenario(seed):
    rng = random.Random(seed)
    nodes = [f"node-{i}" for i in range(1, rng.choice([2, 3]) + 1)]
    cni = rng.choice(["flannel", "calico"])
    proxy = rng.choice(["iptables", "nftables"])
    pods, services, probes = [], [], []
    node_ports = rng.sample(range(30000, 32768), 6)
    for s in range(rng.randint(1, 3)):
        app = f"{LABELS[s]}"
        proto = "UDP" if rng.random() < 0.25 else "TCP"
        target = rng.choice(PORTS)
        for e in range(rng.randint(1, 4)):
            # Most endpoints listen on the targetPort; now and then one listens elsewhere.
            listen = target if rng.random() < 0.85 else rng.choice(PORTS)
            pods.append({"name": f"{app}-{e}", "labels": {"app": app, "tier": rng.choice(["a", "b"])},
                         "node": rng.choice(nodes + [None]), "ports": [(listen, proto)]})
        svc = {"name": f"svc-{app}", "app": app, "type": rng.choice(["ClusterIP", "NodePort"]),
               "affinity": rng.random() < 0.2, "ports": []}
        svc["local"] = svc["type"] == "NodePort" and rng.random() < 0.3
        for port in rng.sample([80, 443, 8000, 53, 7000], rng.randint(1, 2)):
            entry = {"port": port, "target": target, "proto": proto}
            if svc["type"] == "NodePort":
                entry["nodePort"] = node_ports.pop()
            svc["ports"].append(entry)
        services.append(svc)
    clients = []
    for c in range(rng.randint(1, 2)):
        name = f"client-{c}"
        clients.append(name)
        pods.append({"name": name, "labels": {"role": rng.choice(["front", "back"])}, "node": rng.choice(nodes + [None]),
                     "ports": []})

    for i in range(rng.randint(3, 6)):
        kind = rng.choice(["pod-svc", "pod-svc", "pod-pod", "node-svc", "ext-nodeport"])
        svc = rng.choice(services)
        port = rng.choice(svc["ports"])
        probe = {"name": f"probe-{i + 1}", "protocol": port["proto"]}
        if kind == "pod-pod":
            target = rng.choice([p for p in pods if p["ports"]])
            tport, tproto = target["ports"][0]
            if rng.random() < 0.15:
                tport = tport + 1  # nothing listens there
            probe.update({"from": f"default/{rng.choice(clients)}", "to": f"pod/default/{target['name']}:{tport}",
                          "protocol": tproto})
        elif kind == "ext-nodeport" and port.get("nodePort"):
            probe.update({"from": "external/client", "to": f"node/{rng.choice(nodes)}:{port['nodePort']}"})
        else:
            src = f"node/{rng.choice(nodes)}" if kind == "node-svc" else f"default/{rng.choice(clients)}"
            sport = port["port"] if rng.random() < 0.9 else 6000  # 6000: a port the Service lacks
            probe.update({"from": src, "to": f"svc/default/{svc['name']}:{sport}"})
        probes.append(probe)

    docs = [pod_doc(p["name"], p["labels"], p["node"], p["ports"]) for p in pods]
    docs += [service_doc(s) for s in services]
    out = ["apiVersion: packetwalk/v1", "kind: Scenario", "metadata:", f"  name: random-{seed}",
           f"  description: generated by tests/kernel/random_scenarios.py from seed {seed}",
           f"cluster: {{nodes: {len(nodes)}, cni: {cni}, proxyMode: {proxy}, seed: {seed}, dns: {{enabled: false}}}}",
           "manifests:", "  - inline: |"]
    for line in "\n---\n".join(docs).split("\n"):
        out.append("      " + line if line else "")
    out.append("probes:")
    for p in probes:
        out.append(f"  - {{name: {p['name']}, from: {p['from']}, to: \"{p['to']}\", protocol: {p['protocol']}}}")
    return "\n".join(out) + "\n"


def main():
    if len(sys.argv) < 2:
        sys.exit("usage: random_scenarios.py OUTDIR [FIRST [LAST]]")
    outdir = sys.argv[1]
    first = int(sys.argv[2]) if len(sys.argv) > 2 else 1
    last = int(sys.argv[3]) if len(sys.argv) > 3 else (first if len(sys.argv) > 2 else 50)
    os.makedirs(outdir, exist_ok=True)
    for seed in range(first, last + 1):
        with open(os.path.join(outdir, f"random-{seed}.yaml"), "w") as f:
            f.write(scenario(seed))


if __name__ == "__main__":
    main()
