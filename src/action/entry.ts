// dist/action.cjs: what action.yml runs.
import { main } from './main';

main();
