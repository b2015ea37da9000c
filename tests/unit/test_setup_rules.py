"""The rules of setting a group up, on plain values: a group's address and name, a delegation's code,
weight and status, when a delegation may be removed, and reading a list from a spreadsheet."""

from __future__ import annotations

from decimal import Decimal

from consensus.core.setup import (
    DELEGATION_COLUMNS,
    DelegationInput,
    DelegationUse,
    GroupInput,
    delegation_of_row,
    delegation_refusals,
    flag_of,
    group_refusals,
    read_sheet,
    removal_refusal,
    weight_of,
)


def fields(refusals) -> set[str]:  # type: ignore[no-untyped-def]
    return {refusal.field for refusal in refusals}


def test_a_group_needs_a_free_address_of_its_form_and_a_name() -> None:
    assert group_refusals(GroupInput("oewg-ict", "OEWG"), slug_taken=False) == []
    assert fields(group_refusals(GroupInput("OEWG ICT", ""), slug_taken=False)) == {"slug", "name"}
    taken = group_refusals(GroupInput("oewg-ict", "OEWG"), slug_taken=True)
    assert [(r.kind, r.field) for r in taken] == [("conflict", "slug")]
    assert fields(group_refusals(GroupInput("new", "Reserved"), slug_taken=False)) == {"slug"}
    assert fields(group_refusals(GroupInput("g", "G", "x" * 2001), slug_taken=False)) == {"description"}
    assert fields(group_refusals(GroupInput("g", "G\x00"), slug_taken=False)) == {"name"}


def test_a_delegation_code_is_checked_only_when_it_is_new() -> None:
    kenya = DelegationInput("KEN", "Kenya", "54.03")
    assert delegation_refusals(kenya, {"IND"}, new=True) == []
    assert fields(delegation_refusals(kenya, {"KEN"}, new=True)) == {"code"}
    assert delegation_refusals(kenya, {"KEN"}, new=False) == []
    assert fields(delegation_refusals(DelegationInput("ken ya", "Kenya"), (), new=True)) == {"code"}


def test_a_weight_is_an_exact_positive_decimal() -> None:
    assert weight_of(DelegationInput("A", "A", "0.000001")) == Decimal("0.000001")
    for wrong in ("0", "-1", "1e400", "NaN", "Infinity", "54,03", "", "½"):
        assert weight_of(DelegationInput("A", "A", wrong)) is None, wrong
        assert fields(delegation_refusals(DelegationInput("A", "A", wrong), (), new=True)) == {"weight"}
    assert fields(delegation_refusals(DelegationInput("A", "A", "1", "voting"), (), new=True)) == {"voting_status"}


def test_a_delegation_is_removed_only_while_nothing_refers_to_it() -> None:
    assert removal_refusal(DelegationUse()) is None
    assert removal_refusal(DelegationUse(members=2)) is not None
    assert removal_refusal(DelegationUse(invitations=1)) is not None
    on_record = removal_refusal(DelegationUse(record=1))
    assert on_record is not None and "non-voting" in on_record.phrase.text


def test_a_sheet_is_read_as_excel_writes_it_in_europe() -> None:
    sheet = read_sheet(
        '\ufeffCode;Name;Weight\r\nCIV;"Côte d\'Ivoire; République";1.5\r\n;;\r\n', DELEGATION_COLUMNS, ("code",)
    )
    assert sheet.refusal is None
    assert sheet.rows == ({"code": "CIV", "name": "Côte d'Ivoire; République", "weight": "1.5"},)
    assert delegation_of_row(sheet.rows[0]) == DelegationInput("CIV", "Côte d'Ivoire; République", "1.5")
    assert delegation_of_row({"code": "eu", "name": "EU", "voting_status": "Non-voting"}).voting_status == "non_voting"


def test_a_sheet_without_the_columns_or_the_rows_is_refused_with_its_reason() -> None:
    assert read_sheet("", DELEGATION_COLUMNS, ("code",)).refusal is not None
    wrong = read_sheet("country\nFrance\n", DELEGATION_COLUMNS, ("code", "name")).refusal
    assert wrong is not None and wrong.phrase.values["missing"] == "code, name"
    assert wrong.phrase.values["unknown"] == "country"
    assert read_sheet("code,name\n", DELEGATION_COLUMNS, ("code",)).refusal is not None
    many = "code,name\n" + "".join(f"C{i},N\n" for i in range(1001))
    assert read_sheet(many, DELEGATION_COLUMNS, ("code",)).refusal is not None


def test_a_yes_cell_is_read_in_the_six_languages() -> None:
    assert all(flag_of(cell) for cell in ("yes", "X", "true", "1", "oui", "sí", "да", "是", "نعم"))
    assert not any(flag_of(cell) for cell in ("", "no", "non", "0"))
