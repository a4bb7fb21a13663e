# Sixteen templates skip UPDATE requests: the fields they inspect are
# immutable on a running pod (spec §1.6).
package lib.exclude_update

is_update(review) {
	review.operation == "UPDATE"
}
