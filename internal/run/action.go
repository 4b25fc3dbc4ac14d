package run

import "micsync/locations"

// Action is what makes the actions differ; the flow of Run is the same for all.
type Action struct {
	Name      string
	From, To  locations.Role
	Dests     DestMode
	MayDelete bool // deletes with -d or -D
	Tree      bool // directories only
	// TellsOnlyInDst makes the plans tell what only a destination holds below the synced
	// paths, which the action never deletes.
	TellsOnlyInDst bool
	// DeletesOnly carries out nothing of a plan but its deletions: nothing is copied,
	// overwritten or asked about but what is deleted.
	DeletesOnly bool
}

// DestMode says how many destinations an action has.
type DestMode int

// The destination modes.
const (
	AllDests  DestMode = iota // every reachable location of the destination role
	OneDest                   // exactly one, chosen when there are several
	SomeDests                 // one or more, chosen when there are several
)

// The actions of micsync's command line.
var (
	// Backup copies from the WORKING that holds the paths to every reachable BACKUP. It never deletes.
	Backup = Action{Name: "backup", From: locations.Work, To: locations.Backup, Dests: AllDests, TellsOnlyInDst: true}
	// Work copies from a BACKUP into a WORKING, deleting what the BACKUP lacks only with -d or -D.
	Work = Action{Name: "work", From: locations.Backup, To: locations.Work, Dests: OneDest, MayDelete: true}
	// Transfer copies from one BACKUP to one or more of the other BACKUPs.
	Transfer = Action{Name: "transfer", From: locations.Backup, To: locations.Backup, Dests: SomeDests, MayDelete: true}
	// Prune deletes, into the trash, what only the BACKUPs hold below the paths, as the
	// WORKING that holds them shows: what a backup tells and never deletes. It is a backup
	// that deletes and does nothing else, with the guards of every run that deletes.
	Prune = Action{Name: "prune", From: locations.Work, To: locations.Backup, Dests: AllDests, MayDelete: true, DeletesOnly: true}
	// Tree creates in a WORKING the directory skeleton of a BACKUP: directories only, nothing
	// overwritten or deleted, so nothing to confirm.
	Tree = Action{Name: "tree", From: locations.Backup, To: locations.Work, Dests: OneDest, Tree: true}
)

// sameRole reports whether the action copies between locations of one role, which needs two of
// them reachable.
func (a Action) sameRole() bool { return a.From == a.To }
