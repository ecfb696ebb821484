"""Benchmark: decoding kube-apiserver's stored values (values.decode_value) in process, on the
demo's objects as the project's API server stores them and on the real Pod auger keeps.

The demo (`--nodes`, default 100; `--pods-per-node` 33, as etcd_demo.py's) is built and each
object written with encode_object (as explorer/apiserver/etcd_storage.py writes it; Secrets and
the JSON-stored CRDs left out: the client withholds the first and the second is not protobuf);
then every value is decoded once with decode_value, `--repeat` times, each run cold (what the
decoder remembers forgotten first), and the median CPU time per value is printed (process_time:
the machine is shared, wall times move by half). The real Pod is timed cold (one decoding,
nothing remembered) and read 500 times over (what the decoder remembers favours that).
`--save FILE` writes every decoded value (as_json) to FILE, `--compare FILE` checks they are the
same as a saved run's: how a change to the decoder is shown to change no output (with `--values
FILE` on both runs: the demo's times follow the clock). Not a test.
Usage: python bench/etcd_decode.py [--nodes 100] [--pods-per-node 33] [--repeat 5]
       [--save F | --compare F] [--values F]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import orjson

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

REAL_POD = Path("/tmp/shared/fixtures/real/etcd/auger/storage/pod.bin")  # noqa: S108 (the shared fixtures)
LEFT_OUT = frozenset({"Secret", "CustomResourceDefinition"})


def demo_values(nodes: int, pods_per_node: int) -> list[tuple[str, bytes]]:
    from explorer.etcd.keys import key_of_object
    from explorer.etcd.proto_objects import encode_object
    from explorer.lib.objects import meta_of
    from explorer.lib.resources import BY_KIND
    from explorer.runtime.demo_cluster import demo_state

    state = demo_state(nodes=nodes, pods_per_node=pods_per_node)
    values = []
    for kind in state.kinds():
        if kind in LEFT_OUT or kind not in BY_KIND:
            continue
        for obj in state.list(kind):
            stored = {**obj, "metadata": {**meta_of(obj)}}
            stored["metadata"].pop("resourceVersion", None)
            values.append((key_of_object(obj, BY_KIND[kind], "/registry"), encode_object(stored)))
    return values


def timed(values: list[tuple[str, bytes]], repeat: int) -> float:
    """The median CPU time of a cold pass decoding every value once, each dropped as it is made
    (as the etcd_demo.py values side does: a pass that kept them all would time the collector)."""
    from explorer.etcd.values import decode_value

    runs = []
    for _ in range(repeat):
        _forget()
        started = time.process_time()
        for key, raw in values:
            decode_value(key, raw)
        runs.append(time.process_time() - started)
    return statistics.median(runs)


def timed_cold(key: str, raw: bytes, times: int) -> float:
    """The CPU time of one decoding of the value with nothing remembered (the forgetting timed
    alone and taken off)."""
    from explorer.etcd.values import decode_value

    started = time.process_time()
    for _ in range(times):
        _forget()
        decode_value(key, raw)
    both = time.process_time() - started
    started = time.process_time()
    for _ in range(times):
        _forget()
    return (both - (time.process_time() - started)) / times


def _forget() -> None:
    try:
        from explorer.etcd.read_plans import forget
    except ImportError:  # the decoder before read_plans.py remembered nothing
        return
    forget()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=100)
    parser.add_argument("--pods-per-node", type=int, default=33)  # etcd_demo.py's
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--save", type=Path)
    parser.add_argument("--compare", type=Path)
    parser.add_argument(
        "--values", type=Path, help="the encoded values: read from FILE if it exists, else kept"
    )
    args = parser.parse_args()
    from explorer.etcd.values import as_json

    # the demo's times follow the clock: a comparison needs the same values on both sides
    if args.values and args.values.exists():
        values = [(key, bytes.fromhex(raw)) for key, raw in orjson.loads(args.values.read_bytes())]
    else:
        values = demo_values(args.nodes, args.pods_per_node)
        if args.values:
            args.values.write_bytes(orjson.dumps([(key, raw.hex()) for key, raw in values]))
    size = sum(len(raw) for _, raw in values)
    seconds = timed(values, args.repeat)
    print(
        f"demo --nodes {args.nodes}: {len(values)} values, {size / 1e6:.1f} MB: median "
        f"{seconds:.2f} s, {seconds / len(values) * 1e6:.0f} µs a value"
    )
    for resource in ("pods", "events"):
        some = [(key, raw) for key, raw in values if key.startswith(f"/registry/{resource}/")]
        if some:
            kind_seconds = timed(some, args.repeat)
            print(
                f"  {resource}: {len(some)} values, {kind_seconds / len(some) * 1e6:.0f} µs a value"
            )
    pod = REAL_POD.read_bytes()[:-1]  # the etcdctl capture's trailing newline
    pod_key = "/registry/pods/default/pod"
    print(
        f"the real auger Pod ({len(pod)} bytes): {timed_cold(pod_key, pod, 500) * 1e6:.0f} µs "
        f"cold, {timed([(pod_key, pod)] * 500, args.repeat) / 500 * 1e6:.0f} µs read 500 times"
    )
    from explorer.etcd.values import decode_value

    _forget()
    decoded = [decode_value(key, raw) for key, raw in [*values, (pod_key, pod)]]
    shown = orjson.dumps([as_json(value) for value in decoded])
    if args.save:
        args.save.write_bytes(shown)
    if args.compare:
        same = args.compare.read_bytes() == shown
        print("output: the same as the saved run's" if same else "OUTPUT DIFFERS")
        if not same:
            sys.exit(1)


if __name__ == "__main__":
    main()
