"""`manage.py analyze etcd FILE` on a data file and on `etcdctl get` output, as a user runs it."""

import orjson

from .analyze_cli import analyze


def test_a_data_file_lists_its_keys_with_their_revisions_and_no_value(real_fixtures):
    db = real_fixtures / "etcd" / "auger" / "boltdb" / "db"
    expected_keys = set((db.parent / "keys.txt").read_text().split())

    done = analyze(str(db), "--json")

    assert done.returncode == 0, done.stderr
    document = orjson.loads(done.stdout)
    listed = {key["key"] for key in document["keys"]}
    assert listed == expected_keys
    pod = next(key for key in document["keys"] if key["key"].startswith("/registry/pods/"))
    assert (pod["create_revision"], pod["mod_revision"], pod["version"]) == (82648, 82702, 5)
    assert set(pod) == {"key", "create_revision", "mod_revision", "version", "lease", "size"}
    assert b"pi-dqtsw" not in done.stdout.replace(b"/registry/pods/default/pi-dqtsw", b"")


def test_a_data_file_is_described_in_a_readable_summary(real_fixtures):
    done = analyze(str(real_fixtures / "etcd" / "auger" / "boltdb" / "db"))

    assert done.returncode == 0, done.stderr
    text = done.stdout.decode()
    assert text.startswith("etcd data file:")
    assert "compaction: at revision 241828" in text
