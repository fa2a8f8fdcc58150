-- A stored scorecard body was rendered text: it kept every interviewer's mention and
-- private notes after they erased their data with /privacy delete. The scorecard is
-- rebuilt from the round's own rows (transcript, notes, scores, votes) whenever it is
-- shown, so only the fact that a candidate's scorecard was posted, and when, is kept.
-- (The connection runs with secure_delete, so the dropped text is zeroed on disk.)
ALTER TABLE mock_scorecards DROP COLUMN body;
