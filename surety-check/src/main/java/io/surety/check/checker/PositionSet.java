package io.surety.check.checker;

import java.util.HashSet;
import java.util.Set;

/**
 * The distinct positions one record was found at. Almost every record has one, so the first is
 * kept inline and a set is only made for a second distinct one.
 */
final class PositionSet {

    private Position first;
    private Set<Position> more;

    void add(Position position) {
        if (first == null) {
            first = position;
        } else if (!first.equals(position)) {
            if (more == null) {
                more = new HashSet<>(4);
            }
            more.add(position);
        }
    }

    int size() {
        return first == null ? 0 : 1 + (more == null ? 0 : more.size());
    }
}
