/** `ListDetails.listType` in the spec. */
export type ListType = 'Standard' | 'Dynamic' | 'Suppression' | 'Internal';

export type FieldType = 'string' | 'number' | 'boolean' | 'object' | 'array';

export interface StoredUser {
  email: string;
  userId?: string;
  dataFields: Record<string, unknown>;
}

export interface StoredList {
  id: number;
  name: string;
  description?: string;
  listType: ListType;
  /** Epoch milliseconds, as `ListDetails.createdAt` describes it. */
  createdAt: number;
  /** Keys of `Project.users`; a Set keeps subscribe O(batch), never O(list size). */
  members: Set<string>;
}

export interface ChannelUnsubscribe {
  listId: number;
  campaignId?: number;
  at: string;
}

/** One Iterable project: what one API key sees. */
export class Project {
  readonly lists = new Map<number, StoredList>();
  /** Keyed by the lower-cased e-mail: the stand-in treats addresses case-insensitively. */
  readonly users = new Map<string, StoredUser>();
  readonly userKeyByUserId = new Map<string, string>();
  /** A field's type is fixed the first time the project sees it; a later mismatch is invalid data. */
  readonly fieldTypes = new Map<string, FieldType>();
  /** Users who unsubscribed from the whole channel: what the product must never cause. */
  readonly channelUnsubscribes = new Map<string, ChannelUnsubscribe>();
  /** GDPR-forgotten addresses (lower-cased): Iterable refuses to re-create them. */
  readonly forgotten = new Set<string>();

  constructor(
    readonly projectId: number,
    readonly apiKey: string,
  ) {}

  forget(email: string): void {
    const key = email.toLowerCase();
    const user = this.users.get(key);
    if (user?.userId !== undefined) this.userKeyByUserId.delete(user.userId);
    this.users.delete(key);
    this.channelUnsubscribes.delete(key);
    for (const list of this.lists.values()) list.members.delete(key);
    this.forgotten.add(key);
  }
}

export interface NewList {
  name: string;
  description?: string | undefined;
  listType?: ListType | undefined;
}

/** All projects of the stand-in. List ids are global, as Iterable's are, so another project's id is invalid. */
export class StandInStore {
  private readonly projects = new Map<string, Project>();
  private nextProjectId = 1;
  private nextListId = 100001;

  addKey(apiKey: string): Project {
    let project = this.projects.get(apiKey);
    if (!project) {
      project = new Project(this.nextProjectId++, apiKey);
      this.projects.set(apiKey, project);
    }
    return project;
  }

  project(apiKey: string): Project | undefined {
    return this.projects.get(apiKey);
  }

  allProjects(): Project[] {
    return [...this.projects.values()];
  }

  createList(project: Project, list: NewList, now: number): StoredList {
    const stored: StoredList = {
      id: this.nextListId++,
      name: list.name,
      listType: list.listType ?? 'Standard',
      createdAt: now,
      members: new Set(),
    };
    if (list.description !== undefined) stored.description = list.description;
    project.lists.set(stored.id, stored);
    return stored;
  }

  /** Back to a fresh start: only `apiKeys` remain, with no data. */
  reset(apiKeys: readonly string[]): void {
    this.projects.clear();
    this.nextProjectId = 1;
    this.nextListId = 100001;
    for (const key of apiKeys) this.addKey(key);
  }
}
