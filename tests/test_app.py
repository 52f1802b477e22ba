"""The application object: uniform queries, progress and cancel, the key ring, opening without side effects."""

from __future__ import annotations

import pytest

from station_app import config
from station_app.app import Application
from station_app.core.codes import StationKind
from station_app.core.errors import ValidationError
from station_app.core.progress import Cancelled
from station_app.core.query import Query
from station_app.store.db import DatabaseError


def _consult(app, when: str, name: str, category: str = "婚姻家庭", summary: str = "离婚") -> str:
    return app.consultations.record({"occurred_at": when, "channel": "来访", "consultant_name": name,
                                     "phone": "13812345678", "category": category, "summary": summary}
                                    ).first("consultations")


@pytest.fixture
def app(tmp_path):
    a, _ = Application.init(config.resolve(tmp_path / "S01"), kind=StationKind.VILLAGE, code="S01", name="小苏庄村")
    yield a
    a.close()


def test_lists_page_sort_and_count_with_the_same_filters(app):
    _consult(app, "2021-03-05 09:30", "张伟", "婚姻家庭")
    _consult(app, "2021-04-05 09:30", "李娜", "合同", "拖欠工资")
    _consult(app, "2021-05-05 09:30", "张伟", "宅基地", "宅基地")
    _consult(app, "2020-05-05 09:30", "王五", "婚姻家庭")

    q = Query(filters={"year": 2021, "search": "张伟"})
    assert app.consultations.count(q) == 2 == len(app.consultations.list(q))  # count honours the search too
    assert app.consultations.count(Query(filters={"year": 2021})) == 3
    assert [r.category for r in app.consultations.list(Query(filters={"year": 2021}, sort="category"))] == \
        sorted(["婚姻家庭", "合同", "宅基地"])
    newest_first = [r.occurred_at.month for r in app.consultations.list(Query(filters={"year": 2021}))]
    assert newest_first == [5, 4, 3]
    oldest_first = app.consultations.list(Query(filters={"year": 2021}, sort="occurred_at"))
    assert [r.occurred_at.month for r in oldest_first] == [3, 4, 5]

    page = app.consultations.page(Query(limit=2))
    assert page.total == 4 and len(page.rows) == 2 and page.more
    rest = app.consultations.page(Query(limit=2).page_at(2))
    assert {r.id for r in page.rows}.isdisjoint(r.id for r in rest.rows) and not rest.more
    assert all("*" in r.consultant for r in page.rows)  # rows are masked

    with pytest.raises(ValidationError) as e:
        app.consultations.list(Query(filters={"colour": "red"}, sort="nope"))
    assert {p.key for p in e.value.problems} == {"colour", "sort"}


def test_every_area_lists_with_a_query(app):
    app.advisers.record({"name": "赵律师", "phone": "13912345678"})
    for area in (app.consultations, app.advisers, app.duty, app.postings, app.outreach, app.mediation, app.users,
                 app.access_log):
        rows = area.list(Query())
        assert area.count(Query()) == len(rows)
    assert [u.login for u in app.users.list()] == ["admin"]


def test_ledger_import_cancelled_leaves_nothing(app, tmp_path):
    for day in range(1, 8):
        _consult(app, f"2021-03-0{day} 09:30", f"张{day}")
    out = tmp_path / "consult-2021.csv"
    app.ledgers.export_file("consultation", 2021, out)

    other, _ = Application.init(config.resolve(tmp_path / "S02"), kind=StationKind.VILLAGE, code="S02", name="大苏庄村")
    try:
        before = other.db.counter()
        seen: list[tuple[int, int, str]] = []
        with pytest.raises(Cancelled):
            other.ledgers.import_file(out, "consultation", progress=lambda d, t, w: seen.append((d, t, w)),
                                      cancelled=lambda: any(w in ("提交", "committing") for _, _, w in seen))
        assert seen and other.db.counter() == before and other.consultations.count() == 0
        report = other.ledgers.import_file(out, "consultation")
        assert report.ok and report.imported == 7 and other.consultations.count() == 7
    finally:
        other.close()


def test_bundle_export_cancelled_before_the_file_is_written(tmp_path):
    town, _ = Application.init(config.resolve(tmp_path / "T00"), kind=StationKind.CENTRE, code="T00", name="镇中心")
    card, _ = town.keys.export_card(tmp_path / "t.json")
    st, _ = Application.init(config.resolve(tmp_path / "S01"), kind=StationKind.VILLAGE, code="S01", name="小苏庄村",
                             township_card=card)
    try:
        _consult(st, "2021-03-05 09:30", "张伟")
        steps: list[str] = []
        with pytest.raises(Cancelled):
            st.bundles.export(tmp_path / "out", progress=lambda d, t, w: steps.append(w),
                              cancelled=lambda: bool(steps) and steps[-1] in ("写入文件", "writing the file"))
        assert not list((tmp_path / "out").glob("*")) if (tmp_path / "out").exists() else True
        assert st.bundles.status()["exported"] == []  # the bundle number was released
        path = st.bundles.export(tmp_path / "out")
        assert path.name == "S01-changes-000001.stbundle"
    finally:
        st.close()
        town.close()


def test_opening_a_mistyped_data_dir_creates_nothing(tmp_path):
    missing = tmp_path / "no-such-station"
    with pytest.raises(DatabaseError):
        Application.open(config.resolve(missing))
    assert not missing.exists()


def test_lock_forgets_unlocked_keys(tmp_path):
    from station_app.sync.keyring import fixed

    asked: list[str] = []

    def provider(purpose: str) -> str:
        asked.append(purpose)
        return "口令-123456"

    a, info = Application.init(config.resolve(tmp_path / "S01"), kind=StationKind.CENTRE, code="T01", name="镇中心",
                               passphrase=provider)
    try:
        assert info["passphrase_protected"]
        asked.clear()
        a.keys.rotate(tmp_path / "rot")  # unlocks once
        n = len(asked)
        a.bundles.station_recipients()
        assert a.keyring.unlocked and len(asked) == n
        a.lock()
        assert not a.keyring.unlocked
        a.keyring.provider = fixed(None)
        from station_app.sync.keyring import PassphraseError

        with pytest.raises(PassphraseError):
            a.keys.rotate(tmp_path / "rot2")
    finally:
        a.close()


def test_a_0_1_0_installation_opens_with_an_administrator(tmp_path):
    """Installations made before sign-in existed get an administrator account (migration 0010), so the command line
    without --user still acts, and their bundles still import with the application's key ring."""
    import shutil
    from pathlib import Path

    fixtures = Path(__file__).parent / "fixtures" / "v0.1.0"
    for name in ("s01", "township"):
        shutil.copytree(fixtures / name, tmp_path / name)
        for key in (tmp_path / name / "keys").glob("*.key"):
            key.chmod(0o600)
    steps: list[str] = []
    with Application.open(config.resolve(tmp_path / "s01"), progress=lambda d, t, w: steps.append(w)) as s01:
        assert any("0005_bigram_search" in w for w in steps)  # opening says it migrates (after a backup)
        assert s01.user.login == "admin" and s01.user.role == "管理员"
        assert s01.consultations.count() > 0 and s01.mediation.count() == 3
        cid = s01.consultations.list(Query(limit=1))[0].id
        s01.consultations.get(cid, reveal=True)
        assert s01.access_log.list()[0].os_account
    with Application.open(config.resolve(tmp_path / "township")) as town:
        results = town.bundles.import_paths([fixtures / "bundles"])
        assert results and all(r.status == "imported" for r in results), [r.message for r in results]


def test_switch_user_on_an_open_installation(app):
    app.users.add(login="li", name="李调度", role="调度员", password="li-secret-1")
    from station_app.app import SignInError
    from station_app.core.roles import PermissionDenied

    with pytest.raises(SignInError):
        app.switch_user("li", "wrong-password")
    assert app.login == "admin"
    assert app.switch_user("li", "li-secret-1").role == "调度员"
    cid = _consult(app, "2021-03-05 09:30", "张伟")
    assert app.consultations.get(cid).values["created_by"] == "li"
    with pytest.raises(PermissionDenied):
        app.users.add(login="x2", name="x", role="管理员", password="12345678")


def test_forms_get_labels_and_validation_by_key(app):
    from station_app.core.i18n import set_language

    assert app.consultations.labels()["occurred_at"] == "咨询时间"
    assert "accepted_on" in app.mediation.labels() and "held_on" in app.outreach.labels()
    with pytest.raises(ValidationError) as e:
        app.outreach.validate({"held_on": "2021-02-30", "topic": ""})
    assert {"held_on", "topic"} <= {p.key for p in e.value.problems}
    set_language("en")
    try:
        assert app.consultations.labels()["occurred_at"] != "咨询时间"
    finally:
        set_language("zh_CN")
