def test_the_test_etcd_keeps_what_is_put_and_reports_its_revision(etcd):
    etcd.ctl("put", "/registry/pods/default/web", "value")

    listed = etcd.ctl("get", "/registry", "--prefix", "--keys-only").decode()
    status = etcd.ctl("endpoint", "status", "-w", "json").decode()

    assert listed.split() == ["/registry/pods/default/web"]
    assert '"revision":2' in status.replace(" ", "")
