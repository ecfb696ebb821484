"""Rules as kube-proxy up to 1.4 wrote them, for the tests that read them."""

# kube-proxy up to 1.4 (as on GKE then): an unnamed port written `ns/name:` (its chains hashed
# over that), session affinity (`-m recent`), and a chain left declared with no rule.
AFFINITY = """*nat
:PREROUTING ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-SVC-BJM46V3U5RZHCFRZ - [0:0]
:KUBE-SEP-T7B33FRVAHNJ7XW7 - [0:0]
:KUBE-SEP-CP4CR345DXQWPW5N - [0:0]
:KUBE-SVC-XGLOHA7QRQ3V22RZ - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-SERVICES ! -s 10.48.0.0/14 -d 10.51.245.213/32 -p tcp -m comment --comment "kube-system/heapster: cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
-A KUBE-SERVICES -d 10.51.245.213/32 -p tcp -m comment --comment "kube-system/heapster: cluster IP" -m tcp --dport 80 -j KUBE-SVC-BJM46V3U5RZHCFRZ
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-NODEPORTS -p tcp -m comment --comment "kube-system/heapster:" -m tcp --dport 30080 -j KUBE-SVC-BJM46V3U5RZHCFRZ
-A KUBE-SVC-BJM46V3U5RZHCFRZ -m comment --comment "kube-system/heapster:" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-T7B33FRVAHNJ7XW7 --mask 255.255.255.255 --rsource -j KUBE-SEP-T7B33FRVAHNJ7XW7
-A KUBE-SVC-BJM46V3U5RZHCFRZ -m comment --comment "kube-system/heapster:" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-CP4CR345DXQWPW5N --mask 255.255.255.255 --rsource -j KUBE-SEP-CP4CR345DXQWPW5N
-A KUBE-SVC-BJM46V3U5RZHCFRZ -m comment --comment "kube-system/heapster:" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-T7B33FRVAHNJ7XW7
-A KUBE-SVC-BJM46V3U5RZHCFRZ -m comment --comment "kube-system/heapster:" -j KUBE-SEP-CP4CR345DXQWPW5N
-A KUBE-SEP-T7B33FRVAHNJ7XW7 -s 10.48.0.6/32 -m comment --comment "kube-system/heapster:" -j KUBE-MARK-MASQ
-A KUBE-SEP-T7B33FRVAHNJ7XW7 -p tcp -m comment --comment "kube-system/heapster:" -m recent --set --name KUBE-SEP-T7B33FRVAHNJ7XW7 --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.48.0.6:8082
-A KUBE-SEP-CP4CR345DXQWPW5N -s 10.48.1.9/32 -m comment --comment "kube-system/heapster:" -j KUBE-MARK-MASQ
-A KUBE-SEP-CP4CR345DXQWPW5N -p tcp -m comment --comment "kube-system/heapster:" -m recent --set --name KUBE-SEP-CP4CR345DXQWPW5N --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.48.1.9:8082
COMMIT
"""  # noqa: E501
