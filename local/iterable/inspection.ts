import type { ChannelUnsubscribe, ListType, Project, StandInStore } from './store';

/**
 * What a test sees of a key: at most its last 4 characters, and never more than half of a short
 * key, so inspection output can be logged safely.
 */
export function keyHint(apiKey: string): string {
  const shown = Math.min(4, Math.floor(apiKey.length / 2));
  return `…${shown > 0 ? apiKey.slice(-shown) : ''}`;
}

export interface InspectedList {
  id: number;
  name: string;
  description?: string;
  listType: ListType;
  createdAt: number;
  size: number;
  /** E-mails of the members, sorted; omitted with `?members=false`. */
  members?: string[];
}

export interface InspectedUser {
  email: string;
  userId?: string;
  dataFields: Record<string, unknown>;
}

export interface InspectedProject {
  projectId: number;
  key: string;
  lists: InspectedList[];
  /**
   * Sorted by e-mail; omitted with `?users=false` (the slow part for a million users). An array,
   * because an object with a million keys is far slower to build and serialise.
   */
  users?: InspectedUser[];
  channelUnsubscribes: Array<ChannelUnsubscribe & { email: string }>;
  forgotten: string[];
}

export interface InspectionOptions {
  members: boolean;
  users: boolean;
  listId?: number | undefined;
}

function inspectProject(project: Project, options: InspectionOptions): InspectedProject {
  const lists: InspectedList[] = [];
  for (const list of project.lists.values()) {
    if (options.listId !== undefined && list.id !== options.listId) continue;
    const inspected: InspectedList = {
      id: list.id,
      name: list.name,
      listType: list.listType,
      createdAt: list.createdAt,
      size: list.members.size,
    };
    if (list.description !== undefined) inspected.description = list.description;
    if (options.members) {
      // Member keys are the users' (lower-cased) e-mails; the default sort is the fast one.
      inspected.members = [...list.members].sort();
    }
    lists.push(inspected);
  }
  const inspected: InspectedProject = {
    projectId: project.projectId,
    key: keyHint(project.apiKey),
    lists,
    channelUnsubscribes: [...project.channelUnsubscribes]
      .map(([email, record]) => ({ email, ...record }))
      .sort((a, b) => (a.email < b.email ? -1 : 1)),
    forgotten: [...project.forgotten].sort(),
  };
  if (options.users) {
    const users: InspectedUser[] = [];
    for (const email of [...project.users.keys()].sort()) {
      const user = project.users.get(email);
      if (!user) continue;
      users.push(
        user.userId === undefined
          ? { email, dataFields: user.dataFields }
          : { email, userId: user.userId, dataFields: user.dataFields },
      );
    }
    inspected.users = users;
  }
  return inspected;
}

export function inspect(store: StandInStore, options: InspectionOptions): InspectedProject[] {
  return store.allProjects().map((project) => inspectProject(project, options));
}
