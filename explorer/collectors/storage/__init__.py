"""Storage on the node, as the kubelet and the attach/detach controller lay it out: the names and
paths they derive from the objects (`names.py`), the mount tables a node shows (`mounts.py`), the
kubelet's volume usage (`usage.py`), what the objects say should be mounted where
(`expected.py`) and that against a mount table (`compare.py`). Pure: no I/O, no Django."""
