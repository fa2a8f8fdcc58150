-- A member's mock rounds for /progress (their rounds, roles and streak of mocks):
-- mock_participants is keyed by (session_id, user_id) and has no guild, so without
-- this index each of those reads scans every server's participants.
CREATE INDEX mock_participants_by_member ON mock_participants (user_id, session_id, role);
