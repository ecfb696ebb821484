from ..etcd.conftest import etcd  # noqa: F401  (a real etcd of the test's own)
from ..streaming.conftest import session_cookie  # noqa: F401  (a logged-in user's, for tabs)
from .etcd_backup import etcd_backup  # noqa: F401  (a data file made by a real etcd)
