// Every .vue file is registered globally by components.ts; this gives templates and code their types.
// (Relative `.vue` imports fail vue-tsc under `rewriteRelativeImportExtensions`: vuejs/language-tools#5957.
// type-only imports are exempt from that check.) Keep in step with the files: components.ts throws
// at start-up for a declared name with no file.
import type App from './App.vue';
import type AppErrorSummary from './components/app/AppErrorSummary.vue';
import type AppFooter from './components/app/AppFooter.vue';
import type AppFormGroup from './components/app/AppFormGroup.vue';
import type AppHeader from './components/app/AppHeader.vue';
import type BoardActionForm from './components/board/BoardActionForm.vue';
import type BoardActionRow from './components/board/BoardActionRow.vue';
import type BoardActionStatus from './components/board/BoardActionStatus.vue';
import type BoardActionTable from './components/board/BoardActionTable.vue';
import type BoardAddAction from './components/board/BoardAddAction.vue';
import type BoardConnectionTag from './components/board/BoardConnectionTag.vue';
import type BoardNeedsAttention from './components/board/BoardNeedsAttention.vue';
import type BoardNotFound from './components/board/BoardNotFound.vue';
import type BoardPeerAvatar from './components/board/BoardPeerAvatar.vue';
import type BoardPeers from './components/board/BoardPeers.vue';
import type BoardsCreateForm from './components/boards/BoardsCreateForm.vue';
import type BoardsList from './components/boards/BoardsList.vue';
import type BoardsListItem from './components/boards/BoardsListItem.vue';
import type IdentityForm from './components/identity/IdentityForm.vue';
import type IdentityGate from './components/identity/IdentityGate.vue';
import type IdentitySummary from './components/identity/IdentitySummary.vue';
import type BoardView from './views/BoardView.vue';
import type BoardsView from './views/BoardsView.vue';
import type NotFoundView from './views/NotFoundView.vue';

declare module 'vue' {
  export interface GlobalComponents {
    App: typeof App;
    AppErrorSummary: typeof AppErrorSummary;
    AppFooter: typeof AppFooter;
    AppFormGroup: typeof AppFormGroup;
    AppHeader: typeof AppHeader;
    BoardActionForm: typeof BoardActionForm;
    BoardActionRow: typeof BoardActionRow;
    BoardActionStatus: typeof BoardActionStatus;
    BoardActionTable: typeof BoardActionTable;
    BoardAddAction: typeof BoardAddAction;
    BoardConnectionTag: typeof BoardConnectionTag;
    BoardNeedsAttention: typeof BoardNeedsAttention;
    BoardNotFound: typeof BoardNotFound;
    BoardPeerAvatar: typeof BoardPeerAvatar;
    BoardPeers: typeof BoardPeers;
    BoardsCreateForm: typeof BoardsCreateForm;
    BoardsList: typeof BoardsList;
    BoardsListItem: typeof BoardsListItem;
    IdentityForm: typeof IdentityForm;
    IdentityGate: typeof IdentityGate;
    IdentitySummary: typeof IdentitySummary;
    BoardView: typeof BoardView;
    BoardsView: typeof BoardsView;
    NotFoundView: typeof NotFoundView;
  }
}
