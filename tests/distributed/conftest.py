"""One LocalCluster of 2 worker processes (1 thread each) for the whole test session, closed at its end."""

import pytest

distributed = pytest.importorskip("distributed", reason='the distributed tests need pip install "gradstep[distributed]"')


@pytest.fixture(scope="session")
def cluster():
    import dask

    # a connection to a killed worker's address is retried until this timeout (30 s by default) before the
    # scheduler gives up on it: the failure tests kill workers
    dask.config.set({"distributed.comm.timeouts.connect": "5s"})
    with distributed.LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=":0", silence_logs=40
    ) as cluster:
        yield cluster


@pytest.fixture(scope="session")
def client(cluster):
    with distributed.Client(cluster) as client:
        yield client


@pytest.fixture
def two_workers(client):
    """The session client, with both workers up (a test may have killed one: its nanny restarts it)."""
    client.wait_for_workers(2, timeout=60)
    return client
