"""etcd files as `manage.py analyze etcd` reads them: key listings (etcdctl's text and -w json),
the opening of a bbolt data file, and bytes of any kind."""

from .strategies import etcd_files
from .targets import fuzz_test

test_any_etcd_file_is_analysed_or_refused_in_one_line = fuzz_test("analyze etcd", etcd_files())
