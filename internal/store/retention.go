package store

import "context"

// PruneChunk is how many entries one pruning transaction removes at most,
// so that pruning never holds the writer for long.
const PruneChunk = 5000

// AccessRetention removes old entries without breaking verifiability: the
// log may be cut only at a checkpoint, so that the first retained entry
// links to a signed head. Backends enforce this in the database (triggers),
// not only here: no other removal is possible through konektor's schema.
type AccessRetention interface {
	// AccessStart returns the Seq through which entries were pruned: the
	// log starts at AccessStart()+1. 0 when nothing was pruned.
	AccessStart(ctx context.Context) (int64, error)
	// PruneAccess removes every entry with Seq <= through, with its bodies,
	// in transactions of at most PruneChunk entries, and returns how many
	// entries it removed. through must be the Seq of a stored checkpoint
	// and not below AccessStart (ErrInvalid otherwise). It first moves the
	// start forward, then deletes, so an interrupted prune is finished by
	// calling it again. Checkpoints are never removed.
	PruneAccess(ctx context.Context, through int64) (int64, error)
}
