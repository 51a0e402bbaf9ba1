"""Side effects that wait for a transaction's outcome (backend.commitlog on_commit/on_rollback):
the commit of the outermost transaction runs its commit effects, a rollback its rollback
effects, and a savepoint's own effects follow the savepoint."""

from backend import commitlog


def test_effects_follow_the_outcome_of_the_transaction_and_its_savepoints(db):
    done: list[str] = []
    commitlog.on_commit(db, lambda: done.append("commit: outer"))
    commitlog.on_rollback(db, lambda: done.append("rollback: outer"))
    with db.begin_nested():  # released: its effects wait for the outer outcome
        commitlog.on_commit(db, lambda: done.append("commit: kept savepoint"))
    savepoint = db.begin_nested()
    commitlog.on_commit(db, lambda: done.append("commit: undone savepoint"))
    commitlog.on_rollback(db, lambda: done.append("rollback: undone savepoint"))
    savepoint.rollback()
    assert done == ["rollback: undone savepoint"]
    db.commit()
    assert done == ["rollback: undone savepoint", "commit: outer", "commit: kept savepoint"]
    db.connection()  # the next transaction
    commitlog.on_commit(db, lambda: done.append("commit: next"))
    commitlog.on_rollback(db, lambda: 1 / 0)  # a failing effect is logged, not raised
    commitlog.on_rollback(db, lambda: done.append("rollback: next"))
    db.rollback()
    assert done[3:] == ["rollback: next"]
