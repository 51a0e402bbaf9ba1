"""Chaos sync at the suite's size (issue 14; full size: bench/chaos.py): phones syncing their
outboxes as the PWA does, through a proxy that drops requests before the server and responses
after its commit, duplicates and reorders them, against ``anxun serve`` killed with SIGKILL at
random moments and restarted. Everything the phones hold is on the server exactly once, every
photo's sha256 matches, no row points at a missing file, no temporary file is left, no phone
got an answer it should never get (a 500, a 4xx), and photos-gc's sweep deletes the stored files
the kills left without a row."""


from bench.fleet import run_chaos

SEED = 20261203  # fixed; replay a failure with bench/chaos.py --seed 20261203 --devices 10
# --hazards 40 --kill-every 20,60 (the network's timing still varies from run to run)

def test_a_fleet_syncs_everything_exactly_once_through_faults_and_kills(tmp_path, database_url):
    print(f"chaos seed {SEED}")
    result = run_chaos(tmp_path, devices=10, hazards=40, seed=SEED, database_url=database_url,
                       kill_every=(20, 60), deadline=200, log=print)
    print(result.line())
    r = result.reckoning
    assert (r.lost, r.duplicated, r.mismatched, r.orphans) == (0, 0, 0, 0), "\n".join(r.details)
    assert result.defects == []
    assert result.collected == r.unreferenced  # photos-gc's sweep deletes every one
    assert result.kills >= 2, result.kills
    network = result.network
    assert network["dropped requests"] and network["dropped responses"] \
        and network["duplicated requests"], network
