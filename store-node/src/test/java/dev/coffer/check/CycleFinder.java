package dev.coffer.check;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Deque;
import java.util.List;

/** Finds a cycle in a directed graph by depth-first search without recursion (graphs can be deep). */
final class CycleFinder {
  private static final byte NEW = 0;
  private static final byte ON_PATH = 1;
  private static final byte DONE = 2;

  private final List<List<Integer>> edges;
  private final byte[] color;
  private final int[] parent;

  CycleFinder(List<List<Integer>> edges) {
    this.edges = edges;
    this.color = new byte[edges.size()];
    this.parent = new int[edges.size()];
  }

  /** The nodes of one cycle in edge order, or null if the graph has none. */
  List<Integer> find() {
    for (int root = 0; root < edges.size(); root++) {
      if (color[root] == NEW) {
        List<Integer> cycle = searchFrom(root);
        if (cycle != null) {
          return cycle;
        }
      }
    }
    return null;
  }

  private List<Integer> searchFrom(int root) {
    Deque<int[]> stack = new ArrayDeque<>(); // {node, index of the next edge to follow}
    stack.push(new int[] {root, 0});
    color[root] = ON_PATH;
    parent[root] = -1;
    while (!stack.isEmpty()) {
      int[] top = stack.peek();
      int node = top[0];
      if (top[1] == edges.get(node).size()) {
        color[node] = DONE;
        stack.pop();
        continue;
      }
      int next = edges.get(node).get(top[1]++);
      if (color[next] == ON_PATH) {
        return cycleThrough(node, next);
      }
      if (color[next] == NEW) {
        color[next] = ON_PATH;
        parent[next] = node;
        stack.push(new int[] {next, 0});
      }
    }
    return null;
  }

  /** The cycle closed by the edge {@code last -> first}, where {@code first} is an ancestor of {@code last}. */
  private List<Integer> cycleThrough(int last, int first) {
    List<Integer> cycle = new ArrayList<>();
    for (int node = last; node != first; node = parent[node]) {
      cycle.add(node);
    }
    cycle.add(first);
    Collections.reverse(cycle);
    return cycle;
  }
}
