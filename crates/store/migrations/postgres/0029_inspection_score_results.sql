-- 考责 results over a large campaign (issue 10, bench; postgres). Keep in step with
-- ../sqlite/0029_inspection_score_results.sql. The results read a campaign's score rows
-- sheet by sheet (15,000 units × 60 indicators × three sheets are 2.7 million rows): this index
-- holds them in that order with every value the results need, so the read is one ordered pass
-- over the index, not a sort or a lookup of each row in the table.
CREATE INDEX inspection_scores_results ON inspection_scores(campaign_id, unit_id, sheet, scorer_id, indicator_id, points_tenths, bonus_tenths, veto);
-- The rows that chose an item (the veto items behind a grade of 差).
CREATE INDEX inspection_score_items_item ON inspection_score_items(item_id);
