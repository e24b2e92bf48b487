"""A token goes when its grant goes (sql/025_tokens_follow_their_grant.sql). Tokens have no
foreign key left (the insert-time check of tokens.grant_id cost every token issued a parent-row
check); a statement-level trigger on grants deletes the tokens of the grants a statement
deleted — an app's or a person's (through grants' own ON DELETE CASCADE) and the purge's — and
no other token."""
from tokenfactory import TokenFactory, q


def tokens_of(s, column, value):
    return int(s.scalar(f"SELECT count(*) FROM tokens WHERE {column} = {q(value)}"))


def test_tokens_carry_no_foreign_key_and_the_trigger_is_there(stack):
    assert stack.scalar("SELECT count(*) FROM pg_constraint WHERE conrelid = 'tokens'::regclass AND contype = 'f'") == "0"
    assert stack.scalar("SELECT count(*) FROM pg_trigger WHERE tgrelid = 'grants'::regclass "
                        "AND tgname = 'tokens_of_deleted_grants' AND tgenabled = 'O'") == "1"


def test_deleting_an_app_deletes_its_tokens_and_no_other(stack):
    f = TokenFactory(stack)
    gone, kept = f.app(), f.app()
    user_id, _ = f.user()
    for _ in range(2):
        f.tokens(gone, user_id)
    f.tokens(kept, user_id)
    assert tokens_of(stack, "client_id", gone.client_id) == 4
    assert stack.latchctl_json("app", "delete", gone.client_id) == {"id": gone.client_id, "deleted": True}
    assert tokens_of(stack, "client_id", gone.client_id) == 0
    assert tokens_of(stack, "client_id", kept.client_id) == 2


def test_deleting_a_person_deletes_their_tokens_and_no_other(stack):
    f = TokenFactory(stack)
    app = f.app()
    (gone, _), (kept, _) = f.user(), f.user()
    f.tokens(app, gone)
    f.tokens(app, kept)
    stack.psql(f"DELETE FROM users WHERE id = {gone}")
    assert tokens_of(stack, "user_id", str(gone)) == 0
    assert tokens_of(stack, "user_id", str(kept)) == 2


def test_deleting_grants_in_one_statement_deletes_all_their_tokens(stack):
    f = TokenFactory(stack)
    app = f.app()
    user_id, _ = f.user()
    pairs = [f.tokens(app, user_id) for _ in range(3)]
    grants = ", ".join(q(p.grant_id) for p in pairs[:2])
    stack.psql(f"DELETE FROM grants WHERE id IN ({grants})")
    assert [tokens_of(stack, "grant_id", p.grant_id) for p in pairs] == [0, 0, 2]
