import { describeLessons } from './lesson-cases';

// The long online lessons (150 steps); the others run beside them in lessons-other.test.ts.
const LONG = ['length-gaming', 'reward-hacking'];
describeLessons('the long online lessons keep their promises (seed 0, eval seed 5)', (lesson) => LONG.includes(lesson.id));
