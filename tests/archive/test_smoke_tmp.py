import time
from archive.models import ArchiveRecord

def test_demo_filed(db):
    n = ArchiveRecord.objects.count()
    print("records", n)
    assert n > 700
