package dev.coffer.cli;

import java.util.ArrayList;
import java.util.List;

/** Splits the {@code HOST:PORT,HOST:PORT,...} list given with --endpoints or COFFER_ENDPOINTS. */
final class Endpoints {
    private Endpoints() {
    }

    /**
     * @return the entries in the order given, blanks around commas and empty entries dropped;
     *     each entry's form is checked by the client's builder
     */
    static List<String> split(String list) {
        List<String> endpoints = new ArrayList<>();
        for (String part : list.split(",")) {
            String endpoint = part.strip();
            if (!endpoint.isEmpty()) {
                endpoints.add(endpoint);
            }
        }
        return List.copyOf(endpoints);
    }
}
