"""gongshi: the editorial CMS of the quality-award transparency platform."""
