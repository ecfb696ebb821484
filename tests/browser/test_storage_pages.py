"""The storage pages in Chromium: a claim growing and a claim Pending say why in words above
their chain, and the chain leads on to the driver and the attachment; a claim's page shows its
mounts on the node, expected vs found, and its used bytes as a bar, the node's page its volumes;
screenshots kept."""

from __future__ import annotations

from explorer.snapshots.bundle import write_bundle

from ..processes import manage
from .test_network import _collected


def _drawn(page) -> None:
    page.wait_for_selector("#workloads[data-drawn='1']")


def test_a_growing_claims_page_says_so_and_follows_its_chain_to_the_attachment(
    logged_in_page, artifacts
) -> None:
    page = logged_in_page
    page.goto("/objects/PersistentVolumeClaim/shop/data-db-1")
    _drawn(page)
    why = page.locator("#section-why").text_content()
    assert "Expansion in progress: asks for 20Gi, has 10Gi." in why
    assert "ReadWriteOnce (RWO)" in why
    chain = page.locator("#section-chain")
    assert (
        chain.locator("a[href^='/objects/CSIDriver/rbd.csi.ceph.com?']").count() == 2
    )  # the class's and the volume's
    assert chain.locator("a[href^='/objects/VolumeAttachment/csi-']").count() == 1
    assert chain.locator("a[href^='/objects/CSINode/']").count() == 1
    assert "/var/lib/kubelet/pods/" in page.locator("#section-on-the-node").text_content()
    page.screenshot(path=artifacts / "storage-claim-growing.png", full_page=True)
    assert page.problems.exceptions == [], page.problems.exceptions


def test_a_pending_claims_page_says_it_waits_for_its_first_consumer(
    logged_in_page, artifacts
) -> None:
    page = logged_in_page
    page.goto("/objects/PersistentVolumeClaim/shop/exports")
    _drawn(page)
    why = page.locator("#section-why").text_content()
    assert "waits for the first consumer: no pod uses the claim yet" in why
    assert "none yet" in page.locator("#section-chain").text_content()
    page.screenshot(path=artifacts / "storage-claim-pending.png", full_page=True)
    page.goto("/objects/PersistentVolumeClaim/shop/scratch")
    _drawn(page)
    assert (
        'It asks for no class (storageClassName "")' in page.locator("#section-why").text_content()
    )
    page.screenshot(path=artifacts / "storage-claim-no-class.png", full_page=True)
    assert page.problems.exceptions == [], page.problems.exceptions


def test_a_failed_attachments_page_says_its_error(logged_in_page, demo, artifacts) -> None:
    page = logged_in_page
    volume = demo.store.state.volume_for_claim("default", "restore-data")
    (attachment,) = [
        a
        for a in demo.store.state.list("VolumeAttachment")
        if a["spec"]["source"]["persistentVolumeName"] == volume["metadata"]["name"]
    ]
    page.goto(f"/objects/VolumeAttachment/{attachment['metadata']['name']}")
    _drawn(page)
    why = page.locator("#section-why").text_content()
    assert "Attaching failed at" in why and "Connection timed out" in why
    assert "Named as the attach/detach controller names it" in why
    page.screenshot(path=artifacts / "storage-attachment-failed.png", full_page=True)


def test_the_storage_page_draws_the_sankey_and_what_needs_attention_and_leads_to_a_claim(
    logged_in_page, artifacts
) -> None:
    page = logged_in_page
    page.goto("/")
    page.click("nav.site-nav >> text=Storage")
    page.wait_for_selector("#storage[data-drawn='1']")
    figure = page.locator("#storage-sankey")
    assert int(figure.get_attribute("data-drawn")) >= 12
    assert page.locator("#storage-sankey .sankey-node").count() >= 12
    summary = page.locator("#storage-summary").text_content()
    # the storage stories' and the notebook home of the pending stories
    assert "2 StorageClasses, 5 PersistentVolumes, 6 claims" in summary
    attention = page.locator("#storage-attention table.attention")
    text = attention.text_content()
    assert 'It asks for no class (storageClassName "")' in text
    assert "waits for the first consumer" in text
    assert "Released: its claim shop/reports-archive was deleted" in text
    assert "Connection timed out" in text and "restore cannot start" in text
    assert "Expansion in progress: asks for 20Gi, has 10Gi." in text
    assert attention.locator("tr.problem").count() == 2
    page.screenshot(path=artifacts / "storage-page.png", full_page=True)
    node = page.locator("#storage-sankey .sankey-node", has_text="shop/exports")
    node.locator("rect.node-rect").click()
    page.wait_for_url("**/objects/PersistentVolumeClaim/shop/exports*")
    _drawn(page)
    assert "waits for the first consumer" in page.locator("#section-why").text_content()
    assert page.problems.exceptions == [], page.problems.exceptions
    assert page.problems.console_errors == [], page.problems.console_errors


def _usage_drawn(page) -> None:
    page.wait_for_selector("#section-usage meter", timeout=60_000)


def test_a_claims_page_shows_its_bytes_from_the_kubelets_summary_and_why_no_mount_table(
    logged_in_page, artifacts
) -> None:
    """The app collects the demo as a cluster without agents: the kubelet's /stats/summary
    through nodes/proxy (turned on) gives the bytes; nobody read the node's mount table."""
    page = logged_in_page
    page.goto("/network/service-chain?node=demo-worker&service=shop/web")
    _collected(page, fresh=True)
    page.goto("/objects/PersistentVolumeClaim/shop/data-db-0")
    _drawn(page)
    _usage_drawn(page)
    usage = page.locator("#section-usage").text_content()
    assert "of 10.0 GiB" in usage and "kubelet /stats/summary through nodes/proxy" in usage
    meter = page.locator("#section-usage meter")
    assert float(meter.get_attribute("max")) == 10 * 2**30
    assert 0 < float(meter.get_attribute("value")) < 10 * 2**30
    on_node = page.locator("#section-on-the-node").text_content()
    assert "not known: no mount table" in on_node
    assert "No mount table of demo-worker: only the node's agent reads its mount table." in on_node
    page.screenshot(path=artifacts / "storage-claim-usage-live.png", full_page=True)
    assert page.problems.exceptions == [], page.problems.exceptions


def test_a_snapshot_of_the_demo_shows_the_claim_mounted_and_the_nodes_volumes(
    logged_in_page, demo, live_app, tmp_path, artifacts
) -> None:
    """The demo's recorded facts (its mount tables and volume directories, as an agent reads
    them) in a bundle: the claim's page finds its mounts and their bytes, the node's page every
    volume mounted there."""
    bundle = write_bundle(demo.store.state, tmp_path / "demo.cxb.zst")
    line = manage(live_app.env, "snapshot", "import", str(bundle))
    source = f"snapshot:{line.split()[0]}"
    page = logged_in_page
    page.goto(f"/objects/PersistentVolumeClaim/shop/data-db-0?cluster={source}")
    _drawn(page)
    _usage_drawn(page)
    on_node = page.locator("#section-on-the-node")
    rows = on_node.locator("tbody tr")
    assert "mounted: ext4 from /dev/rbd" in rows.nth(0).text_content()
    assert "staging" in rows.nth(1).text_content()
    assert "mounted: ext4 from /dev/rbd" in rows.nth(1).text_content()
    assert "statvfs of the mount" in page.locator("#section-usage").text_content()
    page.screenshot(path=artifacts / "storage-claim-mounted.png", full_page=True)

    node = on_node.locator("a[href^='/nodes/']").first.text_content()
    page.goto(f"/nodes/{node}?cluster={source}")
    page.wait_for_selector("#node-volumes[data-drawn='1']")
    table = page.locator("#node-volumes")
    assert table.locator("tr[data-verdict='mounted']").count() >= 2
    assert table.locator("tr.unhealthy").count() == 0
    assert "shop/data-db-0" in table.text_content()
    page.locator("#volumes").screenshot(path=artifacts / "storage-node-volumes.png")
    assert page.problems.exceptions == [], page.problems.exceptions
