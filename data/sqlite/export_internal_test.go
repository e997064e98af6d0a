package sqlite

// DemoBulkAt lets the tests make a small demo run behave as a large one.
var DemoBulkAt = &demoBulkAt

// ImportBulkAt lets the tests make a small import behave as a large one.
var ImportBulkAt = &importBulkAt

// DemoBatch lets the tests write a small demo run in several batches.
var DemoBatch = &demoBatch
