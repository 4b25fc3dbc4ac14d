package verify

import (
	"cmp"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Budget is how much one verify may do: a time or a number of bytes to read from each copy.
type Budget struct {
	Time  time.Duration
	Bytes int64
}

var units = []struct {
	suffix string
	factor int64
}{
	{"kib", 1 << 10}, {"mib", 1 << 20}, {"gib", 1 << 30}, {"tib", 1 << 40},
	{"kb", 1e3}, {"mb", 1e6}, {"gb", 1e9}, {"tb", 1e12},
	{"k", 1e3}, {"m", 1e6}, {"g", 1e9}, {"t", 1e12}, {"b", 1},
}

// ParseBudget reads a budget: a time (20m, 1h30m, 2d) or a size (50GB, 500MiB, 1T, 4096B).
// m is minutes, as in 20m; a size in megabytes is written MB.
func ParseBudget(s string) (Budget, error) {
	bad := fmt.Errorf("--budget takes a time such as 20m, 1h or 2d, or a size such as 50GB or 500MB, not %q", s)
	if days, ok := strings.CutSuffix(s, "d"); ok {
		if n, err := strconv.Atoi(days); err == nil && n > 0 {
			return Budget{Time: time.Duration(n) * 24 * time.Hour}, nil
		}
		return Budget{}, bad
	}
	if d, err := time.ParseDuration(s); err == nil {
		if d <= 0 {
			return Budget{}, bad
		}
		return Budget{Time: d}, nil
	}
	lower := strings.ToLower(strings.TrimSpace(s))
	for _, u := range units {
		num, ok := strings.CutSuffix(lower, u.suffix)
		if !ok {
			continue
		}
		f, err := strconv.ParseFloat(strings.TrimSpace(num), 64)
		if err != nil || f <= 0 {
			return Budget{}, bad
		}
		return Budget{Bytes: int64(f * float64(u.factor))}, nil
	}
	return Budget{}, bad
}

// Candidate is a file that a budgeted verify may check.
type Candidate struct {
	Name string
	Size int64
	// Verified is when it was last verified in the location that verified it longest ago (Unix
	// seconds, 0: never in one of them).
	Verified int64
}

// Oldest sorts the candidates so that those verified longest ago come first (never verified
// before all), in name order among equals: repeated runs go through every file in turn.
func Oldest(cs []Candidate) {
	slices.SortFunc(cs, func(a, b Candidate) int {
		return cmp.Or(cmp.Compare(a.Verified, b.Verified), strings.Compare(a.Name, b.Name))
	})
}

// Take returns how many of cs (sorted) fit in bytes: at least one, so that a file larger than
// the budget is verified some day too.
func Take(cs []Candidate, bytes int64) int {
	var sum int64
	for i, c := range cs {
		sum += c.Size
		if sum > bytes {
			return max(i, 1)
		}
	}
	return len(cs)
}
