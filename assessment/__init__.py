"""The year's assessment beyond one meeting: the 003 composite (日常管理, 实地核查, 民意调查 and the meeting's
述职测评) and 004's 70/30 combination of a 上述 and a 下评 meeting, both in the organizer's console."""
