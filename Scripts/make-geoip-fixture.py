"""Makes the geo-IP database of CognateGeoIPTests with the tests' own MaxMind DB writer (e2e/mmdb_writer.py),
independent of Cognate's reader. Run from the repository root:
    python3 Scripts/make-geoip-fixture.py
The same input always gives the same bytes (a fixed build time)."""
import os
import sys

sys.path.insert(0, "e2e")
import mmdb_writer  # noqa: E402

here = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "Tests", "CognateGeoIPTests", "Fixtures")
mmdb_writer.write(
    os.path.join(here, "test-city.mmdb"),
    {
        "127.0.0.0/8": mmdb_writer.city_record("Loopback City", "Testland", "TL"),
        "192.0.2.0/24": mmdb_writer.city_record("Documentation", "Exampleland", "EX"),
        "198.51.100.0/24": mmdb_writer.city_record(None, "Nocityland", "NC"),
        "2001:db8::/32": mmdb_writer.city_record("Six City", "Sixland", "SX"),
        "203.0.113.0/24": mmdb_writer.city_record("Zürich-Ümlaut", "Ñandú Land", "NL"),
    },
    build_epoch=1_764_806_400,
)
